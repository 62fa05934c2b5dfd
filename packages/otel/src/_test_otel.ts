// An in-memory OpenTelemetry SDK for the tests: a meter whose metrics are collected on demand and
// a tracer whose finished spans are kept.
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { Attributes, Meter, Tracer } from "@opentelemetry/api";

/** A reader that exports nothing: the test calls `collect()` itself. */
class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** One recorded data point: its attributes and value (a sum, or a histogram's count and sum). */
export interface Point {
  attributes: Attributes;
  value: number | { count: number; sum: number; min: number | undefined };
}

export interface TestOtel {
  meter: Meter;
  tracer: Tracer;
  /** The data points of every instrument, by instrument name. */
  metrics(): Promise<Map<string, Point[]>>;
  /** The finished spans. */
  spans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

export function testOtel(): TestOtel {
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    meter: meterProvider.getMeter("mly-test"),
    tracer: tracerProvider.getTracer("mly-test"),
    async metrics(): Promise<Map<string, Point[]>> {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, Point[]>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          const points = (metric.dataPoints as DataPoint<number | Histogram>[]).map((point) => ({
            attributes: point.attributes,
            value: typeof point.value === "number" ? point.value : { count: point.value.count, sum: point.value.sum ?? 0, min: point.value.min },
          }));
          out.set(metric.descriptor.name, points);
        }
      }
      return out;
    },
    spans: () => exporter.getFinishedSpans(),
    async shutdown(): Promise<void> {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}
