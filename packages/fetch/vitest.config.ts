import { mlyVitest } from "@mly/vitest-config";

export default mlyVitest();
