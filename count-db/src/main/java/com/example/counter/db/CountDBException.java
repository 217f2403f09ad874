package com.example.counter.db;

/** The store answered, but not as a counter should (a key of the wrong type, a script error...). */
public class CountDBException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CountDBException(String message, Throwable cause) {
        super(message, cause);
    }
}
