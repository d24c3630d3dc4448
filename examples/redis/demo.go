package main

import "io"

func runDemo(w io.Writer, lim limits, clients, requests int) error { return nil }
