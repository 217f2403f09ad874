package com.example.counter.db;

import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * The application's two Redis clients, for its whole life: one for the master (commands, sent in
 * batches by its {@link PipelinedWriter}) and one for the read endpoint (queries). The master is
 * {@code counter.redis.write-uri}, or with {@code counter.redis.sentinel.master-name} the master the
 * sentinels name ({@link SentinelMaster}, which asks them on first use, not here). Made while the
 * application starts, so that a bad setting stops the deployment with a message naming it; closed
 * when it stops (the sentinel listeners too).
 */
@ApplicationScoped
public class RedisPools implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisPools.class.getName());

    private RedisPool master;
    private PipelinedWriter writes;
    private RedisPool readEndpoint;

    /** Without monitoring, for tests that run without a container. */
    public RedisPools(CountDBConfig config) {
        this(config, RedisMonitor.NONE);
    }

    @Inject
    public RedisPools(@ConfigProperties CountDBConfig config, RedisMonitor monitor) {
        config.validate();
        this.master = config.sentinelMaster().isPresent()
                ? RedisPool.sentinelMaster(config, monitor)
                : new RedisPool(config.write(), config, config.timeout(), RedisMonitor.Endpoint.WRITE, monitor, false);
        this.writes = new PipelinedWriter(master, config.writeMinReplicas, config.writeWaitMillis);
        // Half the time for the read endpoint, so that a read that falls back to the master after
        // the read endpoint hung still fits in counter.redis.timeout.
        this.readEndpoint = new RedisPool(config.read(), config, config.timeout().dividedBy(2),
                RedisMonitor.Endpoint.READ, monitor, config.readCache);
        LOG.info(() -> "Redis clients ready: " + config);
    }

    /** For CDI's client proxy only. */
    protected RedisPools() {
    }

    void onStartup(@Observes Startup startup) {
        // Being called is the point: it creates this bean, and so validates the settings, at start-up.
    }

    public RedisPool master() {
        return master;
    }

    /** Writes to the master, batched with those of concurrent requests. */
    PipelinedWriter writes() {
        return writes;
    }

    public RedisPool readEndpoint() {
        return readEndpoint;
    }

    /** Connections lent out right now by both pools. */
    public int activeConnections() {
        return master.activeConnections() + readEndpoint.activeConnections();
    }

    @Override
    @PreDestroy
    public void close() {
        readEndpoint.close();
        writes.close();
        master.close();
        LOG.info("Redis clients closed");
    }
}
