import { mlyVitest } from "@mly/vitest-config";

export default mlyVitest({
  test: {
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      exclude: ["src/**/*.test.ts", "src/**/_test_*.ts"],
      thresholds: { lines: 95 },
    },
  },
});
