package camera

import "context"

// startConnecting starts the connector goroutine unless it runs; s.mu is held.
func (s *liveCore) startConnecting() {
	if s.connecting || s.closed {
		return
	}
	ctx, cancel := context.WithCancel(s.life)
	s.connecting, s.stopConnect = true, cancel
	s.wg.Add(1)
	go s.connect(ctx)
}

// cancelConnecting stops the connector, which closes any link it is still
// opening; s.mu is held.
func (s *liveCore) cancelConnecting() {
	if s.connecting {
		s.stopConnect()
		s.connecting, s.stopConnect = false, nil
	}
}

// connect dials until a link opens, waiting a back-off before each attempt
// (doubling up to maxWait; arrived resets it), and leaves the link in spare
// for Read. A stalled link still being read is aborted so Read switches over.
func (s *liveCore) connect(ctx context.Context) {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		wait := s.wait
		s.wait = min(2*s.wait, s.maxWait)
		s.mu.Unlock()
		if s.sleep(ctx, wait) != nil {
			return
		}
		l, err := s.cfg.dial(ctx)
		if s.deliver(ctx, l, err) {
			return
		}
	}
}

// deliver hands a dial's result over; true ends the connector.
func (s *liveCore) deliver(ctx context.Context, l link, err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ctx.Err() != nil { // closed, or the stalled link came back
		if l != nil {
			l.close()
		}
		return true
	}
	if err != nil {
		s.st.Err = err.Error()
		return false
	}
	s.st.Reconnects++
	s.spare = l
	s.cancelConnecting()
	if s.cur != nil {
		s.cur.abort()
	}
	select {
	case s.ready <- struct{}{}:
	default:
	}
	return true
}
