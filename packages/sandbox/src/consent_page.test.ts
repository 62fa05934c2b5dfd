import { describe, expect, it } from "vitest";
import { consentPage, errorPage } from "./consent_page.ts";

describe("consent page", () => {
  it("escapes everything it shows", () => {
    const page = consentPage({
      serviceName: "Mapillary",
      appName: `<script>alert("x")</script>`,
      userName: "a&b",
      scopes: ["read", `"><img>`],
      action: "/mapillary/connect",
      requestId: `id"x`,
    });
    expect(page).not.toContain("<script>");
    expect(page).not.toContain("<img>");
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(page).toContain('value="id&quot;x"');
    expect(page).toContain("a&amp;b");
    expect(errorPage("S", "<b>")).toContain("&lt;b&gt;");
  });
});
