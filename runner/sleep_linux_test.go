package runner

import (
	"testing"
	"time"
)

// The sleeper waits at least as long as asked, and a close ends a wait at
// once, so a repetition that stops its attack is not held by a long gap.
func TestSleeper(t *testing.T) {
	s := newSleeper()
	if s == nil {
		t.Skip("no timerfd here")
	}
	began := time.Now()
	if !s.sleep(5 * time.Millisecond) {
		t.Fatal("sleep says closed")
	}
	if waited := time.Since(began); waited < 5*time.Millisecond {
		t.Errorf("slept %v, want at least 5ms", waited)
	}
	done := make(chan bool)
	go func() { done <- s.sleep(time.Hour) }()
	time.Sleep(10 * time.Millisecond)
	s.close()
	select {
	case ok := <-done:
		if ok {
			t.Error("a sleep ended by close says it slept")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("close did not end the sleep")
	}
	if s.sleep(time.Millisecond) {
		t.Error("a closed sleeper sleeps")
	}
}
