package dev.st4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.st4j.ModelFormatException;
import dev.st4j.internal.modelfolder.ModelFolder;
import dev.st4j.internal.pipeline.Features;
import dev.st4j.internal.pipeline.ModuleContext;
import dev.st4j.internal.pipeline.ModuleRegistry;
import dev.st4j.internal.pipeline.ModuleType;
import dev.st4j.internal.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes each {@code encode} call to one of several module lists by its task ({@code "query"}, {@code "document"},
 * from {@code encodeQuery} / {@code encodeDocument} or the {@code task} option) and the input's modality (always
 * {@code "text"} in st4j). Python's {@code Router}, formerly {@code Asym}.
 *
 * <p>Files: {@code router_config.json} (fallback {@code config.json}) with {@code types} (sub-module id to class),
 * {@code structure} (route to sub-module ids) and {@code parameters} ({@code default_route},
 * {@code allow_empty_key}, {@code route_mappings} keyed by Python tuple literals such as {@code "('query', None)"});
 * each sub-module in the folder named by its id, e.g. {@code query_0_StaticEmbedding}.
 */
public final class Router implements Module {
    public static final String CONFIG_FILE = "router_config.json";
    /** The modality of text inputs, the only kind st4j encodes. */
    static final String TEXT = "text";

    public static final ModuleType TYPE = new ModuleType("Router", List.of(),
            List.of(CONFIG_FILE, "config.json"), Router::load);

    /** A {@code route_mappings} key: task and modality, either may be null (any). */
    public record Key(String task, String modality) {}

    private final Map<String, List<Module>> routes;
    private final String defaultRoute;
    private final boolean allowEmptyKey;
    private final Map<Key, String> mappings;

    /**
     * A router over {@code routes} (route name to module list, in order).
     *
     * @param defaultRoute the route of calls without a task; null with {@code allowEmptyKey} means the first route
     */
    public Router(Map<String, List<Module>> routes, String defaultRoute, boolean allowEmptyKey,
            Map<Key, String> mappings) {
        if (routes == null || routes.isEmpty()) {
            throw new IllegalArgumentException("The routes dictionary cannot be empty.");
        }
        if (defaultRoute != null && !routes.containsKey(defaultRoute)) {
            throw new IllegalArgumentException("Default route '" + defaultRoute + "' not found in route keys: "
                    + List.copyOf(routes.keySet()));
        }
        for (var e : mappings.entrySet()) {
            if (!routes.containsKey(e.getValue())) {
                throw new IllegalArgumentException("route_mappings contains mapping to '" + e.getValue()
                        + "' which is not in sub_modules. Available routes: " + List.copyOf(routes.keySet()));
            }
        }
        Map<String, List<Module>> copy = new LinkedHashMap<>();
        routes.forEach((k, v) -> {
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("route '" + k + "' has no modules");
            }
            copy.put(k, List.copyOf(v));
        });
        this.routes = java.util.Collections.unmodifiableMap(copy);
        this.defaultRoute = defaultRoute == null && allowEmptyKey ? copy.keySet().iterator().next() : defaultRoute;
        this.allowEmptyKey = allowEmptyKey;
        this.mappings = Map.copyOf(mappings);
    }

    /** Python's {@code Router.for_query_document}: routes {@code query} and {@code document}, default document. */
    public static Router forQueryDocument(List<Module> query, List<Module> document) {
        Map<String, List<Module>> routes = new LinkedHashMap<>();
        routes.put("query", query);
        routes.put("document", document);
        return new Router(routes, "document", true, Map.of());
    }

    static Router load(ModuleContext c) {
        Path file = c.file(CONFIG_FILE);
        JsonNode cfg = ModelFolder.readJsonIfExists(file).filter(n -> !n.isEmpty()).orElse(null);
        if (cfg == null) {
            file = c.file("config.json");
            cfg = ModelFolder.readJsonObject(file);
        }
        if (!cfg.isObject() || !cfg.path("types").isObject() || !cfg.path("structure").isObject()) {
            throw new ModelFormatException(file, "a Router config needs \"types\" and \"structure\" objects");
        }
        JsonNode params = cfg.path("parameters");
        Map<String, List<Module>> routes = new LinkedHashMap<>();
        ModelFolder sub = new ModelFolder(c.dir());
        try {
            for (var route : cfg.get("structure").properties()) {
                List<Module> modules = new ArrayList<>();
                routes.put(route.getKey(), modules);
                int dim = -1;
                for (JsonNode id : route.getValue()) {
                    String name = id.asText();
                    JsonNode type = cfg.get("types").get(name);
                    if (type == null || !type.isTextual()) {
                        throw new ModelFormatException(file, "\"structure\" names sub-module '" + name
                                + "', which \"types\" does not list");
                    }
                    Path dir = sub.resolve(name, file);
                    Module m = ModuleRegistry.load(type.asText(), "sub-module '" + name + "'",
                            c.child(dir, file, dim));
                    modules.add(m);
                    if (m.outputDimension() > 0) {
                        dim = m.outputDimension();
                    }
                }
            }
            String def = params.path("default_route").isTextual() ? params.get("default_route").asText() : null;
            boolean allowEmpty = params.path("allow_empty_key").asBoolean(true);
            Map<Key, String> mappings = new LinkedHashMap<>();
            for (var m : params.path("route_mappings").properties()) {
                mappings.put(parseKey(m.getKey(), file), m.getValue().asText());
            }
            try {
                return new Router(routes, def, allowEmpty, mappings);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, e.getMessage(), e);
            }
        } catch (RuntimeException e) {
            routes.values().forEach(l -> l.forEach(Module::close));
            throw e;
        }
    }

    private static final Pattern TUPLE = Pattern.compile(
            "\\(\\s*(None|'[^']*'|\"[^\"]*\")\\s*,\\s*(None|'[^']*'|\"[^\"]*\")\\s*\\)");

    /** Parses Python's {@code str((task, modality))}: {@code "('query', 'text')"}, {@code "(None, 'text')"}. */
    static Key parseKey(String s, Path file) {
        Matcher m = TUPLE.matcher(s.trim());
        if (!m.matches()) {
            throw new ModelFormatException(file, "route_mappings key " + s + " is not a (task, modality) pair "
                    + "such as \"('query', None)\"");
        }
        return new Key(unquote(m.group(1)), unquote(m.group(2)));
    }

    private static String unquote(String v) {
        return v.equals("None") ? null : v.substring(1, v.length() - 1);
    }

    private static String pythonTuple(Key k) {
        return "(" + literal(k.task()) + ", " + literal(k.modality()) + ")";
    }

    private static String literal(String v) {
        return v == null ? "None" : "'" + v + "'";
    }

    /** The routes by name. */
    public Map<String, List<Module>> routes() {
        return routes;
    }

    public String defaultRoute() {
        return defaultRoute;
    }

    /** The route for {@code task} (null: none given), by SPEC 1.8's priority order. */
    public String resolve(String task) {
        String modality = TEXT;
        for (Key k : List.of(new Key(task, modality), new Key(task, null), new Key(null, modality),
                new Key(null, null))) {
            String r = mappings.get(k);
            if (r != null) {
                return r;
            }
        }
        if (task != null && !task.isEmpty() && routes.containsKey(task)) {
            return task;
        }
        if (routes.containsKey(modality)) {
            return modality;
        }
        if (task != null) {
            throw new IllegalArgumentException("No route found for task type '" + task + "'. Available routes: "
                    + routesString());
        }
        if (defaultRoute == null) {
            throw new IllegalArgumentException("Could not determine route for task=None, modality='text'. "
                    + "Available routes: " + routesString() + ". Pass a task (EncodeOptions.task, encodeQuery or "
                    + "encodeDocument), or give the Router a default route.");
        }
        return defaultRoute;
    }

    /** The modules of the route for {@code task}. */
    public List<Module> route(String task) {
        return routes.get(resolve(task));
    }

    private String routesString() {
        List<String> out = new ArrayList<>();
        routes.keySet().forEach(r -> out.add("task='" + r + "'"));
        mappings.keySet().forEach(k -> out.add(k.modality() == null ? "task=" + literal(k.task())
                : k.task() == null ? "modality=" + literal(k.modality())
                : "(task=" + literal(k.task()) + ", modality=" + literal(k.modality()) + ")"));
        if (out.size() == 1) {
            return out.get(0);
        }
        return String.join(", ", out.subList(0, out.size() - 1)) + " and " + out.get(out.size() - 1);
    }

    /** Never called: {@link Pipeline#plan} replaces a Router by the modules of its chosen route. */
    @Override
    public void forward(Features features) {
        throw new IllegalStateException("a Router is resolved by Pipeline.plan before a forward pass");
    }

    @Override
    public void save(Path dir) throws IOException {
        ObjectNode root = ModelFolder.mapper().createObjectNode();
        ObjectNode types = root.putObject("types");
        ObjectNode structure = root.putObject("structure");
        for (var route : routes.entrySet()) {
            var ids = structure.putArray(route.getKey());
            List<Module> modules = route.getValue();
            for (int i = 0; i < modules.size(); i++) {
                Module m = modules.get(i);
                String id = route.getKey() + "_" + i + "_" + m.typeName();
                ids.add(id);
                types.put(id, ModuleRegistry.savedTypeName(m.typeName()));
                Path sub = dir.resolve(id);
                java.nio.file.Files.createDirectories(sub);
                m.save(sub);
            }
        }
        ObjectNode params = root.putObject("parameters");
        params.put("default_route", defaultRoute);
        params.put("allow_empty_key", allowEmptyKey);
        ObjectNode maps = params.putObject("route_mappings");
        mappings.forEach((k, v) -> maps.put(pythonTuple(k), v));
        ModelFolder.writeJson(dir.resolve(CONFIG_FILE), root, 4);
    }

    @Override
    public boolean saveInRoot() {
        return true;
    }

    @Override
    public String typeName() {
        return "Router";
    }

    /** The first route's width, as Python reports it. */
    @Override
    public int outputDimension() {
        for (List<Module> modules : routes.values()) {
            for (int i = modules.size() - 1; i >= 0; i--) {
                if (modules.get(i).outputDimension() > 0) {
                    return modules.get(i).outputDimension();
                }
            }
        }
        return -1;
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder("Router(");
        routes.forEach((k, v) -> b.append(b.length() > 7 ? "; " : "").append(k).append(": ")
                .append(String.join(" -> ", v.stream().map(Module::describe).toList())));
        return b.append(", default ").append(Objects.toString(defaultRoute, "none")).append(")").toString();
    }

    @Override
    public void close() {
        routes.values().forEach(l -> l.forEach(Module::close));
    }
}
