package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSObject;
import io.ssekit.auth.JwtAuthenticator;
import java.io.File;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code sse-auth} is an optional dependency of this module, for {@link TicketServlet} alone: an
 * application without it still loads {@link SseServlet} and streams with it.
 */
class WithoutSseAuthTest {
  private static final String AUTH_PACKAGE = "io/ssekit/auth/";

  @Test
  void noClassOfTheModuleButTicketServletRefersToSseAuth() throws Exception {
    Set<String> referring = new TreeSet<>();
    Path classes = location(SseServlet.class);
    try (FileSystem jar = Files.isDirectory(classes) ? null
            : FileSystems.newFileSystem(classes, Map.of());
        Stream<Path> files = Files.walk(jar == null ? classes : jar.getPath("/"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        // Every class a class file uses is named in its constant pool, in internal form.
        String constants = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        if (constants.contains(AUTH_PACKAGE)) {
          referring.add(file.getFileName().toString());
        }
      }
    }
    assertTrue(referring.contains("TicketServlet.class"), "the scan sees sse-auth: " + referring);
    assertEquals(Set.of("TicketServlet.class"), referring);
  }

  @Test
  void sseServletServesAStreamOnAClassPathWithoutSseAuth() throws Exception {
    Set<Path> left = Set.of(location(JwtAuthenticator.class), location(JWSObject.class));
    List<URL> urls = new ArrayList<>();
    for (String entry : testClassPath()) {
      Path path = Path.of(entry).toAbsolutePath().normalize();
      if (!left.contains(path)) {
        urls.add(path.toUri().toURL());
      }
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader withoutAuth = new URLClassLoader("without-sse-auth",
        urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class,
          () -> withoutAuth.loadClass(JwtAuthenticator.class.getName()), "sse-auth is left out");
      assertThrows(ClassNotFoundException.class,
          () -> withoutAuth.loadClass(JWSObject.class.getName()), "and so is nimbus-jose-jwt");
      Class<?> stream = withoutAuth.loadClass(StreamWithoutSseAuth.class.getName());
      assertEquals(withoutAuth, stream.getClassLoader());
      Constructor<?> constructor = stream.getDeclaredConstructor();
      constructor.setAccessible(true);
      // Service providers are looked up through the context class loader.
      thread.setContextClassLoader(withoutAuth);
      assertEquals("200 hello", ((Callable<?>) constructor.newInstance()).call());
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** The class path the tests run with, as the build tool gives it. */
  private static List<String> testClassPath() {
    String path = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    return List.of(path.split(File.pathSeparator));
  }

  /** The directory or jar {@code type} was loaded from. */
  private static Path location(Class<?> type) throws URISyntaxException {
    URI uri = type.getProtectionDomain().getCodeSource().getLocation().toURI();
    return Path.of(uri).toAbsolutePath().normalize();
  }
}
