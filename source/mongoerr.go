package source

import (
	"errors"
	"io"
	"net"
	"syscall"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// transientMongoError reports whether err says the server could not
// answer now (down, unreachable, restarting, stepping down, too slow)
// rather than that the query or the configuration is wrong.
func transientMongoError(err error) bool {
	var selErr topology.ServerSelectionError
	var netErr net.Error
	switch {
	case mongo.IsTimeout(err), mongo.IsNetworkError(err):
		return true
	case errors.As(err, &selErr):
		return true
	case errors.Is(err, mongo.ErrClientDisconnected):
		return true
	case errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	var serverErr mongo.ServerError
	if errors.As(err, &serverErr) {
		for _, code := range transientMongoCodes {
			if serverErr.HasErrorCode(code) {
				return true
			}
		}
	}
	return false
}

// transientMongoCodes are server error codes that mean "not now": host
// unreachable or not found, network timeout, time limit exceeded,
// interrupted or shutting down, not primary, node recovering, socket
// error (from the server's error_codes.yml).
var transientMongoCodes = []int{
	6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436,
}
