package org.transfer4j.images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.transfer4j.train.EpochOrder;
import org.transfer4j.tensor.Generator;

/**
 * The labelled image files of a folder of class folders, {@code root/<class>/*.{jpg,jpeg,png,bmp}}, as
 * Keras' {@code image_dataset_from_directory(labels="inferred")} finds them: the class folders are the
 * subfolders of {@code root} not starting with a dot, sorted by name (Python's {@code sorted}: by code
 * point); label {@code i} is the {@code i}-th class. The files of a class are found in its folder and its
 * subfolders, directories in path order and files by name within each, with the extensions above in any
 * case. Samples are ordered class by class. Nothing is decoded here: a file that turns out not to be an
 * image is skipped when it is loaded ({@link ImageDataset}).
 *
 * <p>Factories: {@link #of(Path)} (a folder read whole), {@link #splits(Path)} (a root holding
 * {@code train/}, {@code val/} and optionally {@code test/}), {@link #split(Path, double, long)} (one
 * folder split by a seeded fraction, per class). Each has a variant taking the expected class names, for
 * evaluating a trained model in its own label order. Every failure is an {@link ImageFolderException}
 * naming the folder.
 */
public final class ImageFolder {
    /** The file name extensions read, compared ignoring case. */
    public static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "bmp");

    private final Path root;
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;

    ImageFolder(Path root, List<String> classNames, List<Path> files, int[] labels) {
        this.root = root;
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        this.labels = labels.clone();
    }

    /** {@code train} and {@code val} (and, when the root has one, {@code test}) over the same classes. */
    public record Splits(ImageFolder train, ImageFolder validation, Optional<ImageFolder> test) {
        public Splits {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(validation, "validation");
            Objects.requireNonNull(test, "test");
        }
    }

    /** Every image of {@code folder}'s class folders, classes in sorted order. */
    public static ImageFolder of(Path folder) {
        return FolderScan.scan(folder, null);
    }

    /**
     * Every image of {@code folder}'s class folders, labelled in the order of {@code classNames} (a
     * trained model's classes). The folder's class folders must be exactly those classes: otherwise an
     * {@link ImageFolderException} names the missing and the extra ones.
     */
    public static ImageFolder of(Path folder, List<String> classNames) {
        return FolderScan.scan(folder, checkNames(classNames));
    }

    /**
     * {@code root/train}, {@code root/val} and, if present, {@code root/test}, each a folder of class
     * folders. The classes are those of {@code train}; {@code val} and {@code test} must have the same
     * ones (labels mean the same in all three).
     */
    public static Splits splits(Path root) {
        return splits(root, null);
    }

    /** As {@link #splits(Path)}, with the classes (and their order) given; every split must have exactly them. */
    public static Splits splits(Path root, List<String> classNames) {
        FolderScan.requireDirectory(root);
        Path train = root.resolve("train");
        Path val = root.resolve("val");
        if (!Files.isDirectory(train) || !Files.isDirectory(val)) {
            throw new ImageFolderException(root + ": expected the subfolders train/ and val/ (each holding one folder"
                    + " per class), missing " + (Files.isDirectory(train) ? "val/" : Files.isDirectory(val) ? "train/"
                    : "both") + "; to split one folder of class folders, use ImageFolder.split(folder, fraction, seed)");
        }
        ImageFolder trainFolder = FolderScan.scan(train, classNames == null ? null : checkNames(classNames));
        ImageFolder valFolder = FolderScan.scan(val, trainFolder.classNames);
        Path test = root.resolve("test");
        Optional<ImageFolder> testFolder = Files.isDirectory(test)
                ? Optional.of(FolderScan.scan(test, trainFolder.classNames)) : Optional.empty();
        return new Splits(trainFolder, valFolder, testFolder);
    }

    /**
     * {@code folder}'s images split into training and validation, per class (stratified): of a class
     * with {@code n} images, {@code round(n * validationFraction)} go to validation (at most
     * {@code n - 1}, so every class keeps a training image), chosen by the permutation
     * {@link EpochOrder#permutation(int, long)} of the class's files under a seed derived from
     * {@code seed} and the class name. The same folder, fraction and seed always give the same split, and
     * adding a class does not change the others' split. Within each split the files keep their order.
     * (Keras' {@code validation_split} instead shuffles all files together and cuts once, so its class
     * proportions vary.) There is no test split.
     *
     * @param validationFraction in {@code (0, 1)}
     */
    public static Splits split(Path folder, double validationFraction, long seed) {
        return split(folder, null, validationFraction, seed);
    }

    /** As {@link #split(Path, double, long)}, with the classes (and their order) given. */
    public static Splits split(Path folder, List<String> classNames, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("split: the validation fraction must be in (0, 1), got "
                    + validationFraction);
        }
        ImageFolder all = FolderScan.scan(folder, classNames == null ? null : checkNames(classNames));
        List<Path> trainFiles = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        List<Path> valFiles = new ArrayList<>();
        List<Integer> valLabels = new ArrayList<>();
        int start = 0;
        for (int c = 0; c < all.classNames.size(); c++) {
            int end = start;
            while (end < all.size() && all.labels[end] == c) {
                end++;
            }
            int n = end - start;
            int valCount = (int) Math.min(n - 1, Math.round(n * validationFraction));
            long classSeed = Generator.mix64(seed ^ Generator.mix64(all.classNames.get(c).hashCode()));
            int[] order = EpochOrder.permutation(n, classSeed);
            boolean[] toVal = new boolean[n];
            for (int i = 0; i < valCount; i++) {
                toVal[order[i]] = true;
            }
            for (int i = 0; i < n; i++) {
                (toVal[i] ? valFiles : trainFiles).add(all.files.get(start + i));
                (toVal[i] ? valLabels : trainLabels).add(c);
            }
            start = end;
        }
        return new Splits(new ImageFolder(all.root, all.classNames, trainFiles, toArray(trainLabels)),
                new ImageFolder(all.root, all.classNames, valFiles, toArray(valLabels)), Optional.empty());
    }

    /** The folder scanned (for a split, the folder that was split). */
    public Path root() {
        return root;
    }

    /** Class names in label order. */
    public List<String> classNames() {
        return classNames;
    }

    /** Number of image files. */
    public int size() {
        return files.size();
    }

    /** The file of sample {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    /** The label of sample {@code index}. */
    public int label(int index) {
        return labels[index];
    }

    /** All files, in sample order. */
    public List<Path> files() {
        return files;
    }

    /** How many files each class has. */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "ImageFolder[" + root + ", " + size() + " images, classes " + classNames + "]";
    }

    private static List<String> checkNames(List<String> classNames) {
        Objects.requireNonNull(classNames, "classNames");
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("class names: none given");
        }
        Set<String> unique = new LinkedHashSet<>(classNames);
        if (unique.size() != classNames.size()) {
            List<String> repeated = new ArrayList<>(classNames);
            unique.forEach(repeated::remove);
            throw new IllegalArgumentException("class names: " + classNames + " repeat " + repeated);
        }
        return Collections.unmodifiableList(new ArrayList<>(classNames));
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
