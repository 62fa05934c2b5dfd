// The scenarios against oidc-provider (the certified OpenID server of @mly/oidc-harness).
import { startOidcProviderTarget } from "./oidc_provider_target.ts";
import { describeScenarios } from "./scenarios.ts";

describeScenarios({
  name: "oidc-provider",
  start: startOidcProviderTarget,
  unsupported: {
    "refresh-keeps-old":
      "oidc-provider puts refresh_token in every refresh response (the same token when rotation is off), so a response without one cannot be produced",
  },
});
