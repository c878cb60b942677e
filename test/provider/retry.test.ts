import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "../../src/provider/circuit.js";
import { CircuitOpenError, redact } from "../../src/provider/errors.js";
import { DEFAULT_RETRY, backoffMs, parseDuration, parseRetryAfter, retryInfoDelayMs } from "../../src/provider/retry.js";

describe("the wait the service asks for is read the way Google writes it", () => {
  it("RetryInfo durations: whole, fractional and nanosecond seconds", () => {
    expect(parseDuration("47s")).toBe(47_000);
    expect(parseDuration("1.5s")).toBe(1_500);
    expect(parseDuration("45.837906927s")).toBe(45_838);
    expect(parseDuration({ seconds: "3", nanos: 500_000_000 })).toBe(3_500);
    expect(parseDuration("soon")).toBeUndefined();
  });

  it("finds RetryInfo among other details", () => {
    const details = [
      { "@type": "type.googleapis.com/google.rpc.Help", links: [] },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "12s" },
    ];
    expect(retryInfoDelayMs(details)).toBe(12_000);
    expect(retryInfoDelayMs([{ "@type": "type.googleapis.com/google.rpc.QuotaFailure" }])).toBeUndefined();
  });

  it("Retry-After in seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-01T12:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7_000);
    expect(parseRetryAfter("Sun, 01 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("backoff doubles with full jitter and stays under its cap", () => {
  it("draws below base × 2^(n-1), never above maxDelayMs", () => {
    expect(backoffMs(1, DEFAULT_RETRY, () => 0.999)).toBe(999);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0.5)).toBe(2_000);
    expect(backoffMs(20, DEFAULT_RETRY, () => 0.999)).toBeLessThan(DEFAULT_RETRY.maxDelayMs);
    expect(backoffMs(2, DEFAULT_RETRY, () => 0)).toBe(0);
  });
});

describe("the circuit opens after N transient failures in a row and stays open", () => {
  it("counts only consecutive failures, then refuses with the last failure named", () => {
    const circuit = new CircuitBreaker({ threshold: 3 });
    circuit.recordTransientFailure("HTTP 503 UNAVAILABLE");
    circuit.recordTransientFailure("HTTP 503 UNAVAILABLE");
    circuit.recordAnswer();
    circuit.recordTransientFailure("HTTP 503 UNAVAILABLE");
    circuit.recordTransientFailure("timeout after 120 s");
    expect(circuit.isOpen).toBe(false);
    circuit.recordTransientFailure("HTTP 429 RESOURCE_EXHAUSTED");
    expect(circuit.isOpen).toBe(true);
    circuit.recordAnswer();
    expect(circuit.isOpen).toBe(true);
    expect(() => circuit.ensureClosed()).toThrow(CircuitOpenError);
    expect(() => circuit.ensureClosed()).toThrow(/after 3 consecutive transient failures \(last: HTTP 429 RESOURCE_EXHAUSTED\)/);
  });

  it("defaults to 8 and refuses a threshold below 1", () => {
    expect(new CircuitBreaker().threshold).toBe(8);
    expect(() => new CircuitBreaker({ threshold: 0 })).toThrow(RangeError);
  });
});

describe("redaction removes the key in every form it may come back in", () => {
  it("plain, URL-encoded, and anything shaped like a Google key", () => {
    const key = "my+secret/key=1";
    expect(redact(`a ${key} b ${encodeURIComponent(key)} c AIzaSyA1234567890abcdefXYZ`, key)).toBe("a [redacted] b [redacted] c [redacted]");
  });
});
