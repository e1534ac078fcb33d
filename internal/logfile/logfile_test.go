package logfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	good := Options{Path: "/var/log/app/app.log", MaxSizeMB: DefaultMaxSizeMB, MaxBackups: DefaultMaxBackups}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		o    Options
		want string
	}{
		{Options{Path: "", MaxSizeMB: 10, MaxBackups: 2}, "path must be a file path"},
		{Options{Path: "/var/log/", MaxSizeMB: 10, MaxBackups: 2}, "path must be a file path"},
		{Options{Path: "/a.log", MaxSizeMB: 0, MaxBackups: 2}, "max size must be between 1 and 1024"},
		{Options{Path: "/a.log", MaxSizeMB: 10, MaxBackups: 0}, "max backups must be between 1 and 100"},
	} {
		if err := tt.o.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.o, err, tt.want)
		}
	}
}

func TestOpenCreatesAGroupReadableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs", "app.log")
	f, err := Open(Options{Path: path, MaxSizeMB: 1, MaxBackups: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the file is not created at once: %v", err)
	}
	if perm := st.Mode().Perm(); perm&^FileMode != 0 {
		t.Errorf("mode %v, want at most %v (no world access)", perm, FileMode)
	}

	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{Path: filepath.Join(notADir, "app.log"), MaxSizeMB: 1, MaxBackups: 1}); err == nil {
		t.Error("a log file under a regular file was accepted")
	}
}

// Past MaxSizeMB the file is renamed with a timestamp and a new one starts;
// only MaxBackups rotated files are kept; every line lands whole in one file.
func TestRotatesBySizeAndKeepsBackups(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	f, err := Open(Options{Path: path, MaxSizeMB: 1, MaxBackups: 1})
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(`{"msg":"request","pad":"` + strings.Repeat("x", 1000) + `"}` + "\n")
	const lines = 3500 // about 3.5 MiB: three rotations
	for range lines {
		if _, err := f.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// Old backups are removed in the background after a rotation.
	var files []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		files, _ = filepath.Glob(filepath.Join(dir, "app*.log"))
		if len(files) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(files) != 2 {
		t.Fatalf("files %v, want the current one and 1 backup", files)
	}
	total := 0
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 1<<20 {
			t.Errorf("%s is %d bytes, above the 1 MiB limit", name, len(data))
		}
		if len(data)%len(line) != 0 || !bytes.HasSuffix(data, []byte("\n")) {
			t.Errorf("%s holds a partial line", name)
		}
		total += len(data) / len(line)
		if st, _ := os.Stat(name); st.Mode().Perm()&^FileMode != 0 {
			t.Errorf("%s has mode %v", name, st.Mode().Perm())
		}
	}
	if total >= lines || total < 1000 {
		t.Errorf("%d lines kept of %d: older ones must be dropped, recent ones kept", total, lines)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTeeWritesBothAndReportsFileErrors(t *testing.T) {
	var out, file bytes.Buffer
	w := Tee(&out, &file)
	if n, err := w.Write([]byte("one\n")); n != 4 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if out.String() != "one\n" || file.String() != "one\n" {
		t.Errorf("primary %q file %q", out.String(), file.String())
	}
	out.Reset()
	w = Tee(&out, failingWriter{})
	if _, err := w.Write([]byte("two\n")); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("file error not reported: %v", err)
	}
	if out.String() != "two\n" {
		t.Errorf("a failing file stopped the primary writer: %q", out.String())
	}
}
