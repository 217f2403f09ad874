package com.example.counter.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The variables that liberty/server.xml declares, as the manifests may set them: Liberty resolves
 * ${name} from an environment variable of the same name, with each character that is not a letter
 * or digit as "_", in upper case (management.port from MANAGEMENT_PORT).
 */
final class ServerXml {

    static final Path FILE = Repository.ROOT.resolve("liberty/server.xml");

    private ServerXml() {
    }

    /** The variable's defaultValue (or value), or a failed test if server.xml does not declare it. */
    static String variableDefault(String name) {
        NodeList variables = variables();
        for (int i = 0; i < variables.getLength(); i++) {
            Element variable = (Element) variables.item(i);
            if (variable.getAttribute("name").equals(name)) {
                String value = variable.hasAttribute("defaultValue") ? variable.getAttribute("defaultValue")
                        : variable.getAttribute("value");
                return value.isEmpty() ? fail(Repository.relative(FILE) + " variable " + name + " has no value") : value;
            }
        }
        return fail(Repository.relative(FILE) + " declares no variable " + name);
    }

    /** The port of the management endpoint (health, metrics): the management.port variable. */
    static int managementPort() {
        return Integer.parseInt(variableDefault("management.port"));
    }

    /** Every declared variable's name as an environment variable, e.g. ACCESS_LOGGING_ENABLED. */
    static Set<String> variablesInEnvironmentForm() {
        Set<String> names = new TreeSet<>();
        NodeList variables = variables();
        for (int i = 0; i < variables.getLength(); i++) {
            names.add(((Element) variables.item(i)).getAttribute("name").replaceAll("[^A-Za-z0-9]", "_")
                    .toUpperCase(Locale.ROOT));
        }
        return names;
    }

    private static NodeList variables() {
        try {
            return DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder().parse(FILE.toFile())
                    .getElementsByTagName("variable");
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + FILE, e);
        }
    }
}
