package relay

import "context"

// PollFeed polls one feed once as the daemon's scheduler does (fetch,
// record, save the feed's state), for the benchmarks and for tests of a
// replica that has polled and not delivered yet: Once adds a delivery
// pass and a release of leases, which a poll in the daemon does not do.
func (r *Relay) PollFeed(ctx context.Context, url string) error { return r.pollFeed(ctx, url).err }
