// Package rtimpl is the part of asyncgen's runtime that only generated code
// uses: the bookkeeping every generated frame embeds (Frame, and
// AwaitFrame for a frame that awaits), the build mode (RefMode), and New,
// the body of each constructor, which returns the frame or, in reference
// mode, the template run by the reference driver (NewRef), and what a
// range-over-func loop pulled with iter.Pull needs to behave as a native
// one (RangeSeq, RangeInject). It keeps these out of package rt's documentation, the way
// protobuf-go keeps its generated-code support in runtime/protoimpl: code
// written by hand never needs to import it, and its API may change with the
// generator.
//
// A coroutine written by hand implements rt.Coro directly, with
// rt.Awaiting for each thing it awaits (rt/streams' ReadInto is one).
package rtimpl
