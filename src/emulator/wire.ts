/**
 * The Gemini API's wire format, as the emulator writes it. Error bodies follow the Google API
 * error model (https://cloud.google.com/apis/design/errors): `{error: {code, message, status,
 * details[]}}`, with typed details such as google.rpc.RetryInfo and google.rpc.ErrorInfo.
 */

export interface ErrorBody {
  error: {
    code: number;
    message: string;
    status: string;
    details?: Record<string, unknown>[];
  };
}

export function errorBody(code: number, status: string, message: string, details?: Record<string, unknown>[]): ErrorBody {
  return { error: { code, message, status, ...(details && details.length > 0 ? { details } : {}) } };
}

const HELP_QUOTA = {
  "@type": "type.googleapis.com/google.rpc.Help",
  links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }],
};

/** 403 when no key was sent at all, as the service answers it. */
export function missingKey(): ErrorBody {
  return errorBody(
    403,
    "PERMISSION_DENIED",
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

/** 400 for a key the service does not know. */
export function invalidKey(): ErrorBody {
  const message = "API key not valid. Please pass a valid API key.";
  return errorBody(400, "INVALID_ARGUMENT", message, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "API_KEY_INVALID",
      domain: "googleapis.com",
      metadata: { service: "generativelanguage.googleapis.com" },
    },
    { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message },
  ]);
}

/** 429 with the quota that was hit (per minute unless said) and, unless omitted, how long to wait. */
export function quotaExceeded(model: string, limit: number, retryDelay?: string, per: "minute" | "day" = "minute"): ErrorBody {
  const wait = retryDelay ? ` Please retry in ${retryDelay}.` : "";
  const details: Record<string, unknown>[] = [
    HELP_QUOTA,
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: per === "day" ? "generativelanguage.googleapis.com/generate_requests_per_model_per_day" : "generativelanguage.googleapis.com/generate_content_requests",
          quotaId: per === "day" ? "GenerateRequestsPerDayPerProjectPerModel" : "GenerateRequestsPerMinutePerProjectPerModel",
          quotaDimensions: { location: "global", model },
          quotaValue: String(limit),
        },
      ],
    },
  ];
  if (retryDelay) details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay });
  return errorBody(
    429,
    "RESOURCE_EXHAUSTED",
    `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/${per === "day" ? "generate_requests_per_model_per_day" : "generate_content_requests"}, limit: ${limit}, model: ${model}${wait}`,
    details,
  );
}

export function overloaded(): ErrorBody {
  return errorBody(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
}

export function modelNotFound(model: string, version: string): ErrorBody {
  return errorBody(
    404,
    "NOT_FOUND",
    `models/${model} is not found for API version ${version}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
  );
}

export function invalidArgument(message: string): ErrorBody {
  return errorBody(400, "INVALID_ARGUMENT", message);
}

/** The canonical google.rpc.Code name and a plain message for an HTTP status, for scripted answers. */
export function bodyForStatus(code: number): ErrorBody {
  switch (code) {
    case 400:
      return invalidArgument("Request contains an invalid argument.");
    case 401:
      return errorBody(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    case 403:
      return errorBody(403, "PERMISSION_DENIED", "The caller does not have permission");
    case 404:
      return errorBody(404, "NOT_FOUND", "Requested entity was not found.");
    case 429:
      return errorBody(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).");
    case 500:
      return errorBody(500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");
    case 502:
      return errorBody(502, "UNAVAILABLE", "Bad gateway.");
    case 503:
      return overloaded();
    case 504:
      return errorBody(504, "DEADLINE_EXCEEDED", "The request timed out. Please try again.");
    default:
      return errorBody(code, code >= 500 ? "UNKNOWN" : "FAILED_PRECONDITION", `HTTP ${code}`);
  }
}

/** A protobuf Duration as JSON renders it: whole seconds plainly, fractions with up to 9 digits. */
export function durationText(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(9).replace(/0+$/, "")}s`;
}
