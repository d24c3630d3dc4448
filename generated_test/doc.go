// Package generated_test is the conformance suite of the asyncgen generator.
//
// The *_templates.go files hold coroutine templates (functions marked
// //asyncgen:coroutine) covering every row of the coverage table in
// DESIGN.md section 5; asyncgen turns each into a state machine in the
// matching *_async.go file (committed), whose constructors run the templates
// as written on a goroutine instead when built with -tags asyncgen_ref.
// Each template writes its side effects to a trace and awaits things that
// complete at controlled points (see awaitables.go).
//
// The tests run in both builds:
//
//	go test ./generated_test/                      # generated state machines
//	go test -tags asyncgen_ref ./generated_test/   # templates as plain Go
//
// What they check:
//
//   - TestTemplatesMatchGoSemantics: result, error and trace of every case
//     against values worked out from the Go spec (cases_test.go, and
//     real_cases_test.go for templates written like application code:
//     worker pools, retries, parsers, generic caches, renamed and dot
//     imports of rt, a build-constrained file).
//   - TestModesAgree: rebuilds the package in the other mode and compares
//     all traces line by line.
//   - TestRandomProgramsAgree: random templates through asyncgen, both
//     builds' output compared (flags -random.n, -random.seed, -random.keep).
//   - TestIsolatedCases: templates that once broke the generated file's
//     compilation, each built in a package of its own.
//   - TestPanicReportsTemplateFileAndLine, TestGeneratedFilesAreFresh,
//     TestRejectsAwaitWhereNoCoroutineCanSuspend and the Close tests:
//     positions, staleness, diagnostics and unwinding.
//
// Benchmarks (bench_test.go) compare one await through generated frames
// with a hand-written state machine and a goroutine ping-pong.
//
// Known generator bugs found by this suite are listed in FINDINGS.md.
//
// Regenerate with:
//
//	go generate ./generated_test/
package generated_test

//go:generate go run github.com/asyncgen/asyncgen/cmd/asyncgen
