import type { Command } from "../command.ts";
import { demoCommand } from "./demo.ts";
import { imagesCommand } from "./images.ts";
import { loginCommand } from "./login.ts";
import { logoutCommand } from "./logout.ts";
import { mapiqGetCommand, mapiqTokenCommand } from "./mapiq.ts";
import { meCommand } from "./me.ts";
import { refreshCommand } from "./refresh.ts";
import { statusCommand } from "./status.ts";
import { tilesUrlCommand } from "./tiles_url.ts";
import { tokenCommand } from "./token.ts";

/** Every command, in the order `mly --help` lists them. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  loginCommand,
  statusCommand,
  tokenCommand,
  refreshCommand,
  meCommand,
  logoutCommand,
  imagesCommand,
  tilesUrlCommand,
  mapiqTokenCommand,
  mapiqGetCommand,
];
