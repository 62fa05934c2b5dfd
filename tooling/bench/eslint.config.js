import { mlyConfig } from "@mly/eslint-config";

export default mlyConfig({ tsconfigRootDir: import.meta.dirname });
