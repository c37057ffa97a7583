// Package safefile writes a file a user named, safely: a new or regular file
// is replaced atomically through an unpredictable temporary file beside it
// (synced, then renamed), while "-", FIFOs, character devices and open
// descriptors (/dev/stdout, /proc/self/fd/N) are streamed into, never
// replaced, and folders, dangling links and other targets are refused.
// It also holds the advisory lock that makes a read-modify-write of a shared
// file safe between processes (Lock).
package safefile
