package io.ssekit.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Looks providers up with {@link ServiceLoader} and creates instances from settings. */
public final class Providers {
  private Providers() {}

  /** The names of the providers of {@code type} on the class path. */
  public static <P extends Provider<?>> List<String> names(Class<P> type) {
    TreeSet<String> names = new TreeSet<>();
    for (P provider : load(type)) {
      names.add(provider.name());
    }
    return List.copyOf(names);
  }

  /**
   * The provider of {@code type} called {@code name}.
   *
   * @throws IllegalArgumentException when there is none, or more than one, listing what was found
   */
  public static <P extends Provider<?>> P find(Class<P> type, String name) {
    Objects.requireNonNull(name, "name");
    List<P> matches = new ArrayList<>();
    List<P> all = load(type);
    for (P provider : all) {
      if (provider.name().equals(name)) {
        matches.add(provider);
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new IllegalArgumentException("no " + kind(type) + " named '" + name + "' on the class"
          + " path; found " + describe(all) + " (add the module's jar, or fix the name)");
    }
    throw new IllegalArgumentException("more than one " + kind(type) + " named '" + name + "': "
        + matches.stream().map(p -> p.getClass().getName()).toList());
  }

  /**
   * The one provider of {@code type} on the class path, for when configuration names none.
   *
   * @throws IllegalArgumentException when there is none or several, listing what was found
   */
  public static <P extends Provider<?>> P only(Class<P> type) {
    List<P> all = load(type);
    if (all.size() == 1) {
      return all.get(0);
    }
    throw new IllegalArgumentException(all.isEmpty()
        ? "no " + kind(type) + " on the class path; add one (for example sse-history-memory)"
            + " or pass an instance"
        : "several " + kind(type) + "s on the class path, " + describe(all)
            + "; choose one by name");
  }

  /**
   * Creates an instance with the provider of {@code type} called {@code name}, from the
   * settings under {@code settings}, and fails on any setting the provider did not read.
   */
  public static <T, P extends Provider<T>> T create(Class<P> type, String name, Settings settings) {
    T instance = find(type, name).create(settings);
    try {
      settings.requireAllRead();
    } catch (IllegalArgumentException e) {
      if (instance instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    return instance;
  }

  private static <P> List<P> load(Class<P> type) {
    List<P> out = new ArrayList<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (P provider : ServiceLoader.load(type, loader != null ? loader : type.getClassLoader())) {
      out.add(provider);
    }
    return out;
  }

  private static String describe(List<? extends Provider<?>> providers) {
    TreeSet<String> names = new TreeSet<>();
    providers.forEach(p -> names.add(p.name()));
    return names.isEmpty() ? "none" : names.toString();
  }

  private static String kind(Class<?> type) {
    return type.getSimpleName().replace("Provider", " provider");
  }
}
