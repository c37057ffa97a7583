package scenarios

import "time"

// Limits of the format: values beyond them are refused, with the limit in
// the message.
const (
	// MaxRetries bounds load.retries.
	MaxRetries = 10
	// MaxSendLagLimit bounds load.max_send_lag.
	MaxSendLagLimit = time.Minute
)
