package com.example.counter.rest;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The error page of both WARs (web-fragment.xml): errors that the servlet container raises itself,
 * before or outside JAX-RS (a request for WEB-INF, an Accept header it cannot parse...), are also
 * answered as problem details, instead of Liberty's HTML page with an exception message in it.
 */
public class ErrorPageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Called directly rather than as an error page: there is nothing here.
        int status = code instanceof Integer integer ? integer : HttpServletResponse.SC_NOT_FOUND;
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        ResponseHeadersFilter.HEADERS.forEach(response::setHeader);
        response.getWriter().write(Problem.of(status, null).toJson());
    }
}
