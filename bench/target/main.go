// Command target is a minimal loopback HTTP server for hotbench's benchmark
// scripts. By default it answers every request at once with a short body, so
// the load generator, not the server, is what the scripts measure; with
// -delay it is a server of known shape (each request takes delay × factor,
// spread uniformly by ±spread), for the gate's A/A and power checks. The
// service time is spun, not slept: Go's timers wake an idle process on
// whole milliseconds, which would turn a 10 % longer sleep into 30 %.
package main

import (
	"flag"
	"log"
	"math/rand/v2"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "address to listen on (loopback only)")
	delay := flag.Duration("delay", 0, "service time of every request (0: answer at once)")
	factor := flag.Float64("factor", 1, "multiplies the service time: 1.1 is a 10% slower server")
	spread := flag.Float64("spread", 0.2, "uniform spread of the service time, as a fraction of it")
	flag.Parse()
	body := []byte(`{"ok":true}`)
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if *delay > 0 {
			d := time.Duration(float64(*delay) * *factor * (1 + *spread*(2*rand.Float64()-1)))
			for start := time.Now(); time.Since(start) < d; {
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})))
}
