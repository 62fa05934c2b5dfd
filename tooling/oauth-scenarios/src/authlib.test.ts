// The scenarios against Authlib (Debian's python3-authlib on Flask): a second OAuth server,
// independent of oidc-provider and of our sandbox. Without Authlib the file skips loudly, and
// fails under CI (authlibOrSkip).
import { authlibOrSkip } from "@mly/authlib-harness";

import { startAuthlibTarget } from "./authlib_target.ts";
import { describeScenarios } from "./scenarios.ts";

describeScenarios({ name: "Authlib", start: startAuthlibTarget, skip: !authlibOrSkip() });
