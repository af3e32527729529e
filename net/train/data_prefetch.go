package train

import "context"

// prefetched is one batch made ahead of the step, or the error making it.
type prefetched struct {
	index int
	batch *Batch
	err   error
}

// Prefetch makes batches from..Len()-1 of epoch on a goroutine, up to depth
// ahead of the consumer, in order. Cancel ctx to stop it early; the channel
// is closed after the last batch or the first error.
func (l *Loader) Prefetch(ctx context.Context, epoch, from, depth int) <-chan prefetched {
	out := make(chan prefetched, max(depth, 1))
	order := l.Order(epoch)
	go func() {
		defer close(out)
		for i := from; i < l.Len(); i++ {
			b, err := l.Batch(epoch, i, order)
			select {
			case out <- prefetched{i, b, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out
}
