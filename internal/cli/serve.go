package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/ogcard/ogcard/engine"
	"github.com/ogcard/ogcard/internal/telemetry"
	"github.com/ogcard/ogcard/server"
	"github.com/ogcard/ogcard/sign"
)

func runServe(env *Env, args []string) error {
	if slices.Contains(args, "-h") || slices.Contains(args, "-help") || slices.Contains(args, "--help") {
		fs := server.FlagSet()
		fs.SetOutput(env.Stderr)
		fmt.Fprintln(env.Stderr, "Usage: ogcard serve [flags]\n\nSettings come from defaults < --config YAML file < OGCARD_* environment < flags.\n\nFlags:")
		fs.PrintDefaults()
		return flag.ErrHelp
	}
	cfg, err := server.Load(args, os.Getenv)
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	log := newLogger(env, cfg)
	fitCaches(&cfg, setMemoryLimit(log), log)
	logFontCoverage(&Env{Stdout: env.Stdout, Stderr: env.Stderr, Log: log})
	logWebPBackend(&Env{Stdout: env.Stdout, Stderr: env.Stderr, Log: log})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Tracing is configured by the standard OTEL_* variables and is a
	// no-op without them; a bad setting is reported, not fatal.
	shutdownTracing, err := telemetry.Setup(ctx, "ogcard", engine.Version)
	if err != nil {
		log.Warn("tracing off", "err", err)
		shutdownTracing = func(context.Context) error { return nil }
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = shutdownTracing(ctx)
	}()
	srv, err := server.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.ListenAndServe(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func newLogger(env *Env, cfg server.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(env.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(env.Stderr, opts))
}

func runSign(env *Env, args []string) error {
	fs := newFlags(env, "sign", "[--signing-keys KEY,...] '/og/news.png?title=Hello'")
	keys := fs.String("signing-keys", os.Getenv("OGCARD_SIGNING_KEYS"), "comma-separated keys; the first signs (env OGCARD_SIGNING_KEYS)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give one path to sign, such as '/og/news.png?title=Hello'", errUsage)
	}
	list := server.SplitList(*keys)
	if len(list) == 0 {
		return fmt.Errorf("%w: no signing key: set --signing-keys or OGCARD_SIGNING_KEYS", errUsage)
	}
	signed, err := sign.Sign(fs.Arg(0), list[0])
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, signed)
	return nil
}
