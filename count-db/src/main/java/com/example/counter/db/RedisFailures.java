package com.example.counter.db;

import java.net.SocketTimeoutException;
import java.util.Set;

import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Sorts Jedis failures into "try again later" (503) and "this is a bug or bad data" (500).
 */
final class RedisFailures {

    /** Error codes with which a healthy Redis refuses a command for now. */
    private static final Set<String> TRANSIENT_CODES = Set.of(
            "READONLY", "LOADING", "NOREPLICAS", "MASTERDOWN", "BUSY", "TRYAGAIN", "CLUSTERDOWN",
            "NOAUTH", "WRONGPASS");

    private RedisFailures() {
    }

    /** @param endpoint names the server in the message (its toString) */
    static RuntimeException translate(Object endpoint, JedisException e) {
        if (isTransient(e)) {
            return new CountDBUnavailableException("Redis at " + endpoint + " is unavailable: " + kind(e), e);
        }
        return new CountDBException("Redis at " + endpoint + " refused the command: " + kind(e), e);
    }

    static boolean isTransient(JedisException e) {
        if (e instanceof JedisConnectionException || e instanceof JedisAccessControlException) {
            return true;
        }
        if (e instanceof JedisDataException) {
            return TRANSIENT_CODES.contains(errorCode(e.getMessage()));
        }
        // Pool exhausted, protocol errors and the like: the server may well answer next time.
        return true;
    }

    /**
     * Whether the server refused a write because it is not a master ({@code READONLY}: demoted
     * after a failover) or a master that lost its replicas ({@code NOREPLICAS}: with
     * {@code min-replicas-to-write}, an old master cut off from the others).
     */
    static boolean notAWritableMaster(JedisException e) {
        if (!(e instanceof JedisDataException)) {
            return false;
        }
        String code = errorCode(e.getMessage());
        return code.equals("READONLY") || code.equals("NOREPLICAS");
    }

    /** Whether the connection broke (closed, reset, refused), as against Redis refusing the command. */
    static boolean connectionBroke(RuntimeException e) {
        return e.getCause() instanceof JedisConnectionException;
    }

    /**
     * Whether a timeout (connect or read) is behind the failure, anywhere in its causes: Jedis
     * reports a connect timeout as a suppressed exception, a read timeout as the cause.
     */
    static boolean timedOut(Throwable e) {
        if (e == null) {
            return false;
        }
        if (e instanceof SocketTimeoutException) {
            return true;
        }
        for (Throwable suppressed : e.getSuppressed()) {
            if (timedOut(suppressed)) {
                return true;
            }
        }
        return e.getCause() != e && timedOut(e.getCause());
    }

    /** The first word of a Redis error reply, e.g. {@code READONLY}. */
    static String errorCode(String message) {
        if (message == null) {
            return "";
        }
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }

    /** The exception's class and Redis error code: enough to diagnose, nothing from the request. */
    private static String kind(JedisException e) {
        String code = e instanceof JedisDataException ? " " + errorCode(e.getMessage()) : "";
        return e.getClass().getSimpleName() + code;
    }
}
