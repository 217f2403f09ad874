package com.example.counter.inc;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The write side, under this WAR's context root {@code /inc}. */
@ApplicationPath("/")
public class IncrementApplication extends Application {
}
