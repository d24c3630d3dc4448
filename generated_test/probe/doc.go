// Package probe holds templates written the way an asyncio user would port
// code, exercising unusual places for an await; its tests run in both
// modes (plain and -tags asyncgen_ref) against the same expectations.
package probe

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen
