package probe

import (
	"testing"

	"github.com/asyncgen/asyncgen/internal/leakcheck"
	"github.com/asyncgen/asyncgen/rt"
)

func TestProbeUnixEdges(t *testing.T) {
	leakcheck.Check(t)
	got, err := rt.Run(pUnixEdgesAsync(t.TempDir()))
	want := "long:true created:false missing:true ABSTRACT canEOF:true closed:true"
	if err != nil || got != want {
		t.Fatalf("got %q %v\nwant %q", got, err, want)
	}
}

// StreamWriter.Close sends everything buffered before the FIN.
func TestProbeCloseFlushes(t *testing.T) {
	leakcheck.Check(t)
	got, err := rt.Run(pCloseFlushesAsync())
	if err != nil || got != -1 {
		t.Fatalf("client got %d bytes (want all %d, equal): %v", got, len(bigPayload), err)
	}
}
