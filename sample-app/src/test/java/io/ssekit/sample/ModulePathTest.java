package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library modules as a user on the module path gets them: resolved from their
 * {@code module-info} into a module layer of their own, with the jars they require, and used
 * there. The tests themselves run on the class path; here the module system, not the class path,
 * decides what is visible: what each module exports, which providers {@link java.util.ServiceLoader}
 * finds (on the module path only {@code provides} counts, never {@code META-INF/services}), and
 * which resources a module may read.
 */
class ModulePathTest {
  private static final List<String> LIBRARIES = List.of(
      "io.ssekit.api",
      "io.ssekit.servlet",
      "io.ssekit.history.memory",
      "io.ssekit.redis",
      "io.ssekit.history.redis",
      "io.ssekit.fanout.redis",
      "io.ssekit.auth",
      "io.ssekit.micrometer",
      "io.ssekit.testkit");

  private static ModuleLayer.Controller controller;
  private static ModuleLayer layer;
  private static Configuration configuration;

  @BeforeAll
  static void defineLayer() {
    configuration = ModuleLayer.boot().configuration()
        .resolveAndBind(ModuleFinder.of(modulePath()), ModuleFinder.of(), LIBRARIES);
    controller = ModuleLayer.defineModulesWithOneLoader(
        configuration, List.of(ModuleLayer.boot()), ClassLoader.getPlatformClassLoader());
    layer = controller.layer();
  }

  @Test
  void everyLibraryIsANamedModuleWithItsModuleInfo() {
    for (String name : LIBRARIES) {
      ResolvedModule module = configuration.findModule(name)
          .orElseThrow(() -> new AssertionError(name + " did not resolve"));
      ModuleDescriptor descriptor = module.reference().descriptor();
      assertFalse(descriptor.isAutomatic(), name + " resolved as an automatic module");
    }
  }

  @Test
  void onlyTheApiIsExportedAndInternalsOnlyToTheirOneUser() {
    Map<String, Set<String>> expected = new TreeMap<>(Map.of(
        "io.ssekit.api", Set.of("io.ssekit", "io.ssekit.spi",
            "io.ssekit.internal to [io.ssekit.servlet]"),
        "io.ssekit.servlet", Set.of("io.ssekit.servlet"),
        "io.ssekit.history.memory", Set.of("io.ssekit.history.memory"),
        "io.ssekit.redis", Set.of(
            "io.ssekit.redis to [io.ssekit.fanout.redis, io.ssekit.history.redis]"),
        "io.ssekit.history.redis", Set.of("io.ssekit.history.redis"),
        "io.ssekit.fanout.redis", Set.of("io.ssekit.fanout.redis"),
        "io.ssekit.auth", Set.of("io.ssekit.auth"),
        "io.ssekit.micrometer", Set.of("io.ssekit.micrometer"),
        "io.ssekit.testkit", Set.of("io.ssekit.testkit")));
    Map<String, Set<String>> actual = new TreeMap<>();
    for (String name : LIBRARIES) {
      actual.put(name, layer.findModule(name).orElseThrow().getDescriptor().exports().stream()
          .map(ModulePathTest::describe)
          .collect(Collectors.toCollection(TreeSet::new)));
    }
    assertEquals(expected, actual);

    Module api = layer.findModule("io.ssekit.api").orElseThrow();
    assertFalse(api.isExported("io.ssekit.internal"));
    assertTrue(api.isExported("io.ssekit.internal", layer.findModule("io.ssekit.servlet").get()));
    assertFalse(api.isExported("io.ssekit.internal",
        layer.findModule("io.ssekit.history.memory").get()));
  }

  @Test
  void codeOutsideTheModulesReachesTheApiButNotTheInternals() throws Exception {
    Class<?> topics = load("io.ssekit.api", "io.ssekit.spi.Topics");
    assertEquals(true, topics.getMethod("isValid", String.class).invoke(null, "news"));

    Class<?> threads = load("io.ssekit.api", "io.ssekit.internal.OwnedThreads");
    assertThrows(IllegalAccessException.class,
        () -> threads.getConstructor(String.class, String.class).newInstance("hub", "test"));
  }

  @Test
  void everyServiceFileHasItsProvidesClause() throws IOException {
    for (String name : LIBRARIES) {
      ModuleReference reference = configuration.findModule(name).orElseThrow().reference();
      Map<String, Set<String>> files = new TreeMap<>();
      try (ModuleReader reader = reference.open()) {
        for (String resource : reader.list()
            .filter(r -> r.startsWith("META-INF/services/") && !r.endsWith("/"))
            .collect(Collectors.toList())) {
          try (InputStream in = reader.open(resource).orElseThrow()) {
            files.put(resource.substring("META-INF/services/".length()),
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(line -> line.replaceAll("#.*", "").strip())
                    .filter(line -> !line.isEmpty())
                    .collect(Collectors.toCollection(TreeSet::new)));
          }
        }
      }
      Map<String, Set<String>> provides = new TreeMap<>();
      for (ModuleDescriptor.Provides p : reference.descriptor().provides()) {
        provides.put(p.service(), new TreeSet<>(p.providers()));
      }
      assertEquals(files, provides, name + ": META-INF/services and 'provides' differ");
    }
  }

  @Test
  void providersAreFoundByNameOnTheModulePath() throws Exception {
    Map<String, List<String>> expected = Map.of(
        "EventHistoryProvider", List.of("memory", "redis"),
        "FanoutProvider", List.of("local", "redis"),
        "AuthenticatorProvider", List.of("jwt", "none"),
        "KeepAlivePolicyProvider", List.of("fixed"),
        "SseListenerProvider", List.of("micrometer", "none"));
    Class<?> providers = load("io.ssekit.api", "io.ssekit.spi.Providers");
    Map<String, List<String>> found = new TreeMap<>();
    withContextLoader(() -> {
      for (String type : expected.keySet()) {
        Class<?> service = load("io.ssekit.api", "io.ssekit.spi." + type);
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) providers.getMethod("names", Class.class)
            .invoke(null, service);
        found.put(type, names.stream().sorted().collect(Collectors.toList()));
      }

      // A provider also works there: the memory history runs on Caffeine, a module of its own.
      Class<?> settings = load("io.ssekit.api", "io.ssekit.spi.Settings");
      Object history = providers
          .getMethod("create", Class.class, String.class, settings)
          .invoke(null, load("io.ssekit.api", "io.ssekit.spi.EventHistoryProvider"), "memory",
              settings.getMethod("empty").invoke(null));
      assertEquals("io.ssekit.history.memory", history.getClass().getModule().getName());
      ((AutoCloseable) history).close();
    });
    assertEquals(new TreeMap<>(expected), found);
  }

  @Test
  void theRedisScriptsAreReadableByTheModuleThatRunsThem() throws Exception {
    // io.ssekit.redis is exported to the two Redis modules only; export it to this test, as
    // those modules see it, and let it read the history's script as the history does.
    Module redis = layer.findModule("io.ssekit.redis").orElseThrow();
    controller.addExports(redis, "io.ssekit.redis", ModulePathTest.class.getModule());
    Class<?> script = load("io.ssekit.redis", "io.ssekit.redis.LuaScript");
    Class<?> owner = load("io.ssekit.history.redis", "io.ssekit.history.redis.RedisEventHistory");
    for (String resource : List.of("append.lua", "replay.lua")) {
      try {
        assertNotNull(script.getMethod("load", Class.class, String.class)
            .invoke(null, owner, resource));
      } catch (InvocationTargetException e) {
        throw new AssertionError("io.ssekit.redis cannot read " + resource, e.getCause());
      }
    }
  }

  private interface Action {
    void run() throws Exception;
  }

  private static void withContextLoader(Action action) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(layer.findLoader("io.ssekit.api"));
    try {
      action.run();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static Class<?> load(String module, String className) throws ClassNotFoundException {
    return Class.forName(className, true, layer.findLoader(module));
  }

  private static String describe(Exports exports) {
    return exports.isQualified()
        ? exports.source() + " to " + new TreeSet<>(exports.targets())
        : exports.source();
  }

  /**
   * This test's class path, without this module's own classes: the ssekit modules (their jars, or
   * their {@code target/classes} with the compiled {@code module-info}) and the jars they need.
   */
  private static Path[] modulePath() {
    List<Path> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      boolean jar = entry.endsWith(".jar") && Files.isRegularFile(path);
      boolean module = Files.isRegularFile(path.resolve("module-info.class"));
      if (jar || module) {
        out.add(path);
      }
    }
    return out.toArray(Path[]::new);
  }
}
