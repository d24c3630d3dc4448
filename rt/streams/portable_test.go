package streams_test

// Rlimit's fields are uint64 on Linux but int64 on FreeBSD and DragonFly.

// rlim reads an Rlimit field.
func rlim[T ~int64 | ~uint64](v T) uint64 { return uint64(v) }

// setRlim writes an Rlimit field.
func setRlim[T ~int64 | ~uint64](p *T, v uint64) { *p = T(v) }
