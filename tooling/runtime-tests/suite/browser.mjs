// Entry for the browser bundle: the page defines `window.__MLY_CONFIG`; results go to the console
// and to `window.__MLY_DONE` for the driver.
import { runSuite } from "./suite.mjs";

const lines = [];
const result = await runSuite(globalThis.__MLY_CONFIG, (line) => {
  lines.push(line);
  console.log(line);
});
globalThis.__MLY_DONE = { ...result, lines };
