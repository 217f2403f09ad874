package com.example.counter.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The read side: everything under this WAR's context root ({@code /}) that is not {@code /inc}. */
@ApplicationPath("/")
public class CountApplication extends Application {
}
