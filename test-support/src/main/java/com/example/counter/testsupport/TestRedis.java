package com.example.counter.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.example.counter.localredis.LocalRedis;

/**
 * A real Redis master and replica for a test run, on the ports the build configured
 * ({@link LocalRedis#startForTests()}): started before the first test that asks for it, stopped
 * when the run ends, and brought back up (in sync) before each test, whatever the last one did.
 */
public final class TestRedis implements BeforeAllCallback, BeforeEachCallback {

    private static LocalRedis redis;

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (TestRedis.class) {
            if (redis == null) {
                redis = LocalRedis.startForTests();
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(TestRedis.class, (ExtensionContext.Store.CloseableResource) redis::close);
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        redis.ensureRunning();
    }

    public static LocalRedis redis() {
        if (redis == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(TestRedis.class)");
        }
        return redis;
    }
}
