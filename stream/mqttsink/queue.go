package mqttsink

// ring is a bounded FIFO of encoded messages that drops its oldest entry
// when full, so a long broker outage costs a fixed amount of memory.
type ring struct {
	buf        [][]byte
	head, size int
}

func newRing(n int) ring { return ring{buf: make([][]byte, n)} }

func (q *ring) len() int { return q.size }

// push appends b; when full it drops the oldest entry and reports it.
func (q *ring) push(b []byte) (dropped bool) {
	if q.size == len(q.buf) {
		q.buf[q.head] = nil
		q.head = (q.head + 1) % len(q.buf)
		q.size--
		dropped = true
	}
	q.buf[(q.head+q.size)%len(q.buf)] = b
	q.size++
	return dropped
}

// pushFront puts back an entry taken with pop (a send that failed), ahead
// of the rest; when the queue filled up meanwhile, b is the oldest and is
// the one dropped.
func (q *ring) pushFront(b []byte) (dropped bool) {
	if q.size == len(q.buf) {
		return true
	}
	q.head = (q.head - 1 + len(q.buf)) % len(q.buf)
	q.buf[q.head] = b
	q.size++
	return false
}

// pop takes the oldest entry.
func (q *ring) pop() ([]byte, bool) {
	if q.size == 0 {
		return nil, false
	}
	b := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) % len(q.buf)
	q.size--
	return b, true
}
