package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrNotFailed means a delivery asked to be retried has not failed: it is
// pending, being posted, posted or skipped, and retrying it would post it
// twice or post what was never meant to be.
var ErrNotFailed = errors.New("delivery has not failed")

// Retry puts the failed delivery id back to pending, due now, as if it had
// never been tried: attempts back to 0 (so it gets MAX_ATTEMPTS again) and
// no last error. Its idempotency key stays: should an earlier attempt have
// reached the network after all, the network still recognises the post.
// Whether an earlier attempt's outcome was unknown stays recorded too, so
// the relay looks for that post before making it again. It is one
// conditional update, so a delivery settled meanwhile by another process is
// not touched: ErrNotFailed (with its state), or ErrNotFound when there is
// no such delivery.
func (s *Store) Retry(ctx context.Context, id int64) (Delivery, error) {
	res, err := s.exec(ctx, `UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt = $2,
		last_error = '', lease_owner = '', lease_expires = NULL, updated_at = $2
		WHERE id = $1 AND state = 'failed'`, id, s.ts(s.now()))
	if err != nil {
		return Delivery{}, fmt.Errorf("retry delivery %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Delivery{}, fmt.Errorf("retry delivery %d: %w", id, err)
	}
	d, err := s.Delivery(ctx, id)
	if err != nil {
		return Delivery{}, err // ErrNotFound names the delivery
	}
	if n == 0 {
		return d, fmt.Errorf("retry delivery %d: %w: it is %s", id, ErrNotFailed, d.State)
	}
	return d, nil
}
