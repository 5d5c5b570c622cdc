package org.transfer4j.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the class folders and image files of an {@link ImageFolder}, in the order Keras'
 * {@code dataset_utils.index_directory} gives: classes {@code sorted(listdir(root))} without hidden
 * folders, and within a class {@code sorted(walk(class_dir))} by directory path, files sorted by name.
 */
final class FolderScan {
    /**
     * Python compares strings by code point; {@link String#compareTo} by UTF-16 unit, which differs for
     * characters beyond U+FFFF against those in U+E000..U+FFFF. This is Python's order.
     */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    private FolderScan() {
    }

    static void requireDirectory(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ImageFolderException(folder + ": " + (Files.exists(folder) ? "not a folder" : "no such folder"));
        }
    }

    /** Scans {@code root}; with {@code expected} non-null, the classes must be exactly those, labelled in that order. */
    static ImageFolder scan(Path root, List<String> expected) {
        requireDirectory(root);
        List<String> found = classFolders(root);
        if (found.isEmpty()) {
            String loose = imagesIn(root, false).isEmpty() ? "" : " (it holds images directly: put them in one folder per class)";
            throw new ImageFolderException(root + ": no class folders; expected " + root + "/<class>/*.{"
                    + String.join(",", ImageFolder.EXTENSIONS) + "}" + loose);
        }
        List<String> classes = expected == null ? found : matchClasses(root, found, expected);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            List<Path> images = imagesIn(root.resolve(classes.get(c)), true);
            if (images.isEmpty()) {
                empty.add(classes.get(c));
            }
            files.addAll(images);
            for (int i = 0; i < images.size(); i++) {
                labels.add(c);
            }
        }
        if (files.isEmpty()) {
            throw new ImageFolderException(root + ": no images (." + String.join(", .", ImageFolder.EXTENSIONS)
                    + ") in any of its class folders " + classes);
        }
        if (!empty.isEmpty()) {
            throw new ImageFolderException(root + ": class folder" + (empty.size() == 1 ? " " : "s ")
                    + empty.stream().map(c -> root.resolve(c).toString()).toList() + " hold"
                    + (empty.size() == 1 ? "s" : "") + " no images (." + String.join(", .", ImageFolder.EXTENSIONS) + ")");
        }
        return new ImageFolder(root, classes, files, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static List<String> classFolders(Path root) {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("."))
                    .sorted(CODE_POINT_ORDER)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private static List<String> matchClasses(Path root, List<String> found, List<String> expected) {
        Set<String> missing = new LinkedHashSet<>(expected);
        found.forEach(missing::remove);
        Set<String> extra = new LinkedHashSet<>(found);
        expected.forEach(extra::remove);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new ImageFolderException(root + ": its class folders " + found + " differ from the expected classes "
                    + expected + (missing.isEmpty() ? "" : "; missing " + missing)
                    + (extra.isEmpty() ? "" : "; extra " + extra));
        }
        return expected;
    }

    /** The image files in {@code folder} (and, if {@code recursive}, its subfolders), in Keras' order. */
    private static List<Path> imagesIn(Path folder, boolean recursive) {
        try (Stream<Path> paths = recursive ? Files.walk(folder) : Files.list(folder)) {
            return paths.filter(FolderScan::isImageName)
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing((Path p) -> folder.relativize(p.getParent()).toString(), CODE_POINT_ORDER)
                            .thenComparing(p -> p.getFileName().toString(), CODE_POINT_ORDER))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    static boolean isImageName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && ImageFolder.EXTENSIONS.contains(name.substring(dot + 1));
    }
}
