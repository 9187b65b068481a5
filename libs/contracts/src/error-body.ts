// The HTTP error body of DESIGN §4, one type for the gateway that writes it and the web terminal that reads it.

/** One entry of an error's `details`: which field was wrong and why (or any extra, machine-readable fact). */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/** The body of every error response: `{"error": {code, message, details}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details: unknown[] };
}
