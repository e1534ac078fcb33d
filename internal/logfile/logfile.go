// Package logfile writes log lines to a file rotated by size, beside the
// writer they already go to (stdout), so a log shipper sidecar (Fluent Bit)
// can tail the file on a volume shared inside the pod. org-app's JSON logs
// (logFile.*) and the canary's EMF lines (serve --emf-file) both use it.
//
// Rotation is gopkg.in/natefinch/lumberjack.v2: when a write would take the
// file past MaxSizeMB, it is renamed with a timestamp (app-2026-11-26T12-
// 00-00.000.log) and a new file is started; MaxBackups rotated files are
// kept. A shipper that follows the file by name and inode (Fluent Bit's
// tail input does) reads both across a rotation.
package logfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Options name the file and bound its disk use to
// MaxSizeMB × (MaxBackups + 1) MiB.
type Options struct {
	Path       string
	MaxSizeMB  int // rotate when the file would pass this size; 1-1024
	MaxBackups int // rotated files kept; 1-100
}

// Defaults of the configuration keys and flags.
const (
	DefaultMaxSizeMB  = 10
	DefaultMaxBackups = 2
)

// FileMode is the mode of a new log file: readable by the pod's group, so a
// sidecar running as another user of the same fsGroup can tail it.
const FileMode os.FileMode = 0o640

// Validate checks the options; errors name the field.
func (o Options) Validate() error {
	var errs []error
	if o.Path == "" || strings.TrimSpace(o.Path) != o.Path || strings.HasSuffix(o.Path, "/") {
		errs = append(errs, fmt.Errorf("path must be a file path such as /var/log/org-app/app.log, got %q", o.Path))
	}
	if o.MaxSizeMB < 1 || o.MaxSizeMB > 1024 {
		errs = append(errs, fmt.Errorf("max size must be between 1 and 1024 MiB, got %d", o.MaxSizeMB))
	}
	if o.MaxBackups < 1 || o.MaxBackups > 100 {
		errs = append(errs, fmt.Errorf("max backups must be between 1 and 100, got %d", o.MaxBackups))
	}
	return errors.Join(errs...)
}

// File is a size-rotated log file. It is safe for concurrent use.
type File struct {
	lj *lumberjack.Logger
}

// Open checks that the file can be written now (creating its directory and
// the file, group-readable, if missing), so a wrong path fails at start and
// not at the first log line.
func Open(o Options) (*File, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(o.Path), 0o750); err != nil {
		return nil, fmt.Errorf("create the log directory: %w", err)
	}
	// lumberjack keeps the mode of the file it rotates, so creating it
	// here with FileMode sets the mode of every file after it too.
	f, err := os.OpenFile(o.Path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, FileMode) //nolint:gosec // group-readable on purpose: the shipper sidecar reads it
	if err != nil {
		return nil, fmt.Errorf("open the log file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("open the log file: %w", err)
	}
	return &File{lj: &lumberjack.Logger{Filename: o.Path, MaxSize: o.MaxSizeMB, MaxBackups: o.MaxBackups}}, nil
}

// Write appends p (whole lines) to the file, rotating it first when p would
// take it past the size limit.
func (f *File) Write(p []byte) (int, error) { return f.lj.Write(p) }

// Close closes the file.
func (f *File) Close() error { return f.lj.Close() }

// Tee returns a writer that writes every p to primary and then to file. A
// failing file does not stop the primary writer (stdout stays the complete
// record) and the other way round; the first error is returned.
func Tee(primary, file io.Writer) io.Writer { return &tee{primary, file} }

type tee struct{ primary, file io.Writer }

func (t *tee) Write(p []byte) (int, error) {
	n, err := t.primary.Write(p)
	if _, ferr := t.file.Write(p); err == nil && ferr != nil {
		return len(p), fmt.Errorf("log file: %w", ferr)
	}
	return n, err
}
