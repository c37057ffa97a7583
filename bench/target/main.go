// Command target is a minimal loopback HTTP server for hotbench's benchmark
// scripts: it answers every request at once with a short body, so the load
// generator, not the server, is what the scripts measure.
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "address to listen on (loopback only)")
	flag.Parse()
	body := []byte(`{"ok":true}`)
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})))
}
