// Package redact hides credentials in what hotbench stores and prints: the
// values of query and fragment parameters whose names look secret (token,
// api_key, X-Amz-Signature …), the user information of a URL
// (user:pw@host), and header values whose names look secret. A redacted
// value keeps its name (token=REDACTED, user:REDACTED@host), so a reader
// still sees what was sent, and redacting is idempotent, so a hash of the
// redacted form stays the same when a token rotates.
package redact
