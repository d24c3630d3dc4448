package rt

// What the loop keeps for its transports and servers: the list of live
// ones (closed with the loop, so every ConnectionLost is called), the read
// buffer every stream read goes into, and a small pool of write chunks.
// None of it is shared with another loop, so none of it is locked.

const (
	// readBufferSize is the size of one read (asyncio's max_size is
	// 256 KiB; 64 KiB is what a loopback socket holds at once, and a
	// larger read only spreads a message over more cache).
	readBufferSize = 64 * 1024
	// unixgramBufferSize is the size of one Unix datagram read: asyncio's
	// datagram max_size. A UDP datagram always fits readBufferSize, a
	// Unix one may be as large as its sender's send buffer (208 KiB by
	// default on Linux), and a read cuts off what does not fit.
	unixgramBufferSize = 256 * 1024
	// chunkSize is the size of the pooled chunks that hold the part of a
	// write the socket did not take. Larger writes get a chunk of their
	// own size, not pooled.
	chunkSize = 16 * 1024
	// maxPooledChunks bounds what the pool keeps: 1 MiB per loop.
	maxPooledChunks = 64
	// maxIov bounds the buffers given to one writev (IOV_MAX is 1024).
	maxIov = 64
)

// resource is a transport or server the loop must close when it closes.
type resource interface {
	// closeWithLoop releases the resource at once; the loop is closing,
	// so nothing may be scheduled.
	closeWithLoop()
}

// resLink is a resource's place in the loop's list of live resources, so
// that joining and leaving it cost no allocation.
type resLink struct {
	prev, next *resLink
	res        resource
}

type netState struct {
	live   resLink // sentinel of the circular list of live resources
	rbuf   []byte
	ubuf   []byte // Unix datagram reads, made by the first one
	chunks [][]byte
	iov    [][]byte
	// delivering is the transport whose DataReceived or BufferUpdated is
	// running, so that a panic escaping it, caught by the loop's one
	// recover (Loop.recovered), ends that connection as asyncio's
	// _fatal_error does, without a deferred recover on every read.
	delivering *sockTransport
	// making and makingProto are the transport whose ConnectionMade is
	// running and its protocol, so that a panic out of it is reported
	// naming the connection, as asyncio's report names the callback
	// connection_made(transport). The connection goes on.
	making      BaseTransport
	makingProto BaseProtocol
}

func (l *Loop) addResource(k *resLink, r resource) {
	s := &l.net
	if s.live.next == nil {
		s.live.next, s.live.prev = &s.live, &s.live
	}
	k.res = r
	k.prev, k.next = s.live.prev, &s.live
	s.live.prev.next = k
	s.live.prev = k
}

func (l *Loop) removeResource(k *resLink) {
	if k.next == nil {
		return
	}
	k.prev.next, k.next.prev = k.next, k.prev
	k.prev, k.next, k.res = nil, nil, nil
}

// closeResources closes every live transport and server, newest first.
func (l *Loop) closeResources() {
	s := &l.net
	for s.live.next != nil && s.live.prev != &s.live {
		k := s.live.prev
		r := k.res
		l.removeResource(k)
		r.closeWithLoop()
	}
}

// readBuffer is the buffer every stream read goes into: DataReceived gets
// a view of it that is valid for the call only.
func (l *Loop) readBuffer() []byte {
	if l.net.rbuf == nil {
		l.net.rbuf = make([]byte, readBufferSize)
	}
	return l.net.rbuf
}

// unixgramBuffer is the buffer Unix datagram reads go into, lent to
// DatagramReceived for the call.
func (l *Loop) unixgramBuffer() []byte {
	if l.net.ubuf == nil {
		l.net.ubuf = make([]byte, unixgramBufferSize)
	}
	return l.net.ubuf
}

// getChunk returns an empty chunk that holds at least n bytes.
func (l *Loop) getChunk(n int) []byte {
	if n > chunkSize {
		return make([]byte, 0, n)
	}
	s := &l.net
	if k := len(s.chunks); k > 0 {
		c := s.chunks[k-1]
		s.chunks[k-1] = nil
		s.chunks = s.chunks[:k-1]
		return c
	}
	return make([]byte, 0, chunkSize)
}

// putChunk gives a drained chunk back to the pool.
func (l *Loop) putChunk(c []byte) {
	s := &l.net
	if cap(c) == chunkSize && len(s.chunks) < maxPooledChunks {
		s.chunks = append(s.chunks, c[:0])
	}
}
