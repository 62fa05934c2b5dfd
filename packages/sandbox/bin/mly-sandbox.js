#!/usr/bin/env node
// The `mly-sandbox` command. A committed shim rather than `dist/cli.js` itself, so package managers
// can link the bin on a fresh workspace install, before `dist/` is built.
import "../dist/cli.js";
