package com.example.counter.inc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What the write endpoint's INFO says about taking increments (the checks against a live master are in local's RedisOutageIT). */
class MasterReadinessCheckTest {

    @Test
    void aLoadedMasterTakesWrites() {
        assertEquals(Optional.empty(), MasterReadinessCheck.whyNoWrites("# Replication\r\nrole:master\r\nloading:0\r\n"));
    }

    @Test
    void aReplicaDoesNot() {
        assertEquals(Optional.of("the write endpoint is a slave, not a master"),
                MasterReadinessCheck.whyNoWrites("# Replication\r\nrole:slave\r\nmaster_host:redis-0\r\n"));
    }

    @Test
    void norDoesAMasterStillLoadingItsData() {
        assertEquals(Optional.of("the write endpoint is still loading its data"),
                MasterReadinessCheck.whyNoWrites("loading:1\r\nrole:master\r\n"));
    }
}
