/** Metrics for the long-running modes: the registry (Prometheus text format), the connector's metrics, the endpoint. */
export { Counter, Gauge, Histogram, LATENCY_BUCKETS, Registry } from './registry.js';
export { BREAKER_VALUE, ConnectorMetrics, type SectionCounts } from './connectorMetrics.js';
export { METRICS_CONTENT_TYPE, startMetricsEndpoint, type MetricsEndpoint } from './endpoint.js';
