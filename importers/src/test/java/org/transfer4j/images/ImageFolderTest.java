package org.transfer4j.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scanning folders of class folders: Keras' class and file order, the split layouts, and the errors. */
class ImageFolderTest {
    @TempDir
    Path dir;

    private static void assertMessage(Throwable e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
    }

    @Test
    void classesAreSortedByCodePointAndHiddenFoldersIgnored() throws IOException {
        TestImages.folder(dir, new String[] {"b", "a", "B", "a_2"}, new int[] {1, 1, 1, 1});
        TestImages.png(dir.resolve(".cache/x.png"), 4, 4, 9);
        Files.writeString(dir.resolve("notes.txt"), "a file at the root is not a class");
        // Python: sorted(["b", "a", "B", "a_2"]) == ["B", "a", "a_2", "b"] (upper case before lower case)
        ImageFolder folder = ImageFolder.of(dir);
        assertEquals(List.of("B", "a", "a_2", "b"), folder.classNames());
        assertEquals(4, folder.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(i, folder.label(i));
            assertEquals(folder.classNames().get(i), folder.file(i).getParent().getFileName().toString());
        }
    }

    @Test
    void filesAreSortedWithinAClassAndExtensionsMatchInAnyCase() throws IOException {
        Path cls = dir.resolve("cat");
        TestImages.png(cls.resolve("b.PNG"), 4, 4, 1);
        TestImages.png(cls.resolve("a.png"), 4, 4, 2);
        TestImages.write(cls.resolve("c.Jpeg"), new java.awt.image.BufferedImage(4, 4, 1), "jpeg");
        TestImages.write(cls.resolve("d.BMP"), new java.awt.image.BufferedImage(4, 4, 1), "bmp");
        TestImages.png(cls.resolve("sub/a.png"), 4, 4, 3);
        Files.writeString(cls.resolve("readme.txt"), "not listed");
        Files.writeString(cls.resolve("noext"), "not listed");
        // Keras walks the class folder: its own files by name, then each subfolder's
        List<String> names = ImageFolder.of(dir).files().stream().map(p -> dir.relativize(p).toString()).toList();
        assertEquals(List.of("cat/a.png", "cat/b.PNG", "cat/c.Jpeg", "cat/d.BMP", "cat/sub/a.png"), names);
    }

    @Test
    void trainValAndOptionalTestLayout() {
        String[] classes = {"daisy", "rose"};
        TestImages.folder(dir.resolve("train"), classes, new int[] {3, 2});
        TestImages.folder(dir.resolve("val"), classes, new int[] {1, 2});
        ImageFolder.Splits splits = ImageFolder.splits(dir);
        assertEquals(5, splits.train().size());
        assertEquals(3, splits.validation().size());
        assertArrayEquals(new int[] {1, 2}, splits.validation().classCounts());
        assertTrue(splits.test().isEmpty());

        TestImages.folder(dir.resolve("test"), classes, new int[] {1, 1});
        ImageFolder.Splits withTest = ImageFolder.splits(dir);
        assertEquals(2, withTest.test().orElseThrow().size());
        assertEquals(List.of("daisy", "rose"), withTest.test().orElseThrow().classNames());
    }

    @Test
    void splitsNeedTrainAndValAndTheSameClasses() {
        TestImages.folder(dir.resolve("train"), new String[] {"daisy", "rose"}, new int[] {1, 1});
        var missing = assertThrows(ImageFolderException.class, () -> ImageFolder.splits(dir));
        assertMessage(missing, dir.toString(), "missing val/", "ImageFolder.split");

        TestImages.folder(dir.resolve("val"), new String[] {"daisy", "tulip"}, new int[] {1, 1});
        var differ = assertThrows(ImageFolderException.class, () -> ImageFolder.splits(dir));
        assertMessage(differ, dir.resolve("val").toString(), "missing [rose]", "extra [tulip]");
    }

    @Test
    void givenClassNamesSetTheLabelOrder() {
        TestImages.folder(dir, new String[] {"daisy", "rose", "tulip"}, new int[] {1, 2, 1});
        ImageFolder folder = ImageFolder.of(dir, List.of("tulip", "daisy", "rose"));
        assertEquals(List.of("tulip", "daisy", "rose"), folder.classNames());
        assertArrayEquals(new int[] {1, 1, 2}, folder.classCounts());
        assertEquals("tulip", folder.file(0).getParent().getFileName().toString());
    }

    @Test
    void classListMismatchNamesMissingAndExtraClasses() {
        TestImages.folder(dir, new String[] {"daisy", "rose", "sunflower"}, new int[] {1, 1, 1});
        var e = assertThrows(ImageFolderException.class,
                () -> ImageFolder.of(dir, List.of("daisy", "rose", "tulip")));
        assertMessage(e, dir.toString(), "missing [tulip]", "extra [sunflower]");
    }

    @Test
    void emptyClassFolderIsAnErrorNamingIt() throws IOException {
        TestImages.folder(dir, new String[] {"daisy"}, new int[] {2});
        Files.createDirectories(dir.resolve("rose"));
        Files.writeString(dir.resolve("rose/readme.txt"), "no pictures here");
        var e = assertThrows(ImageFolderException.class, () -> ImageFolder.of(dir));
        assertMessage(e, dir.resolve("rose").toString(), "no images");
    }

    @Test
    void folderWithoutImagesIsAnError() throws IOException {
        Files.createDirectories(dir.resolve("daisy"));
        Files.createDirectories(dir.resolve("rose"));
        var noImages = assertThrows(ImageFolderException.class, () -> ImageFolder.of(dir));
        assertMessage(noImages, dir.toString(), "no images", "[daisy, rose]");

        Path loose = dir.resolve("loose");
        TestImages.png(loose.resolve("a.png"), 4, 4, 1);
        var noClasses = assertThrows(ImageFolderException.class, () -> ImageFolder.of(loose));
        assertMessage(noClasses, loose.toString(), "no class folders", "holds images directly");

        var absent = assertThrows(ImageFolderException.class, () -> ImageFolder.of(dir.resolve("absent")));
        assertMessage(absent, "absent", "no such folder");
    }

    @Test
    void seededSplitIsPerClassDeterministicAndDisjoint() {
        TestImages.folder(dir, new String[] {"a", "b", "c"}, new int[] {10, 3, 1});
        ImageFolder.Splits one = ImageFolder.split(dir, 0.2, 7);
        ImageFolder.Splits again = ImageFolder.split(dir, 0.2, 7);
        assertEquals(one.train().files(), again.train().files());
        assertEquals(one.validation().files(), again.validation().files());
        // per class: round(10 * 0.2) = 2, round(3 * 0.2) = 1, round(1 * 0.2) = 0 (and a class keeps >= 1 for training)
        assertArrayEquals(new int[] {2, 1, 0}, one.validation().classCounts());
        assertArrayEquals(new int[] {8, 2, 1}, one.train().classCounts());
        Set<Path> all = new HashSet<>(one.train().files());
        all.addAll(one.validation().files());
        assertEquals(14, all.size(), "train and validation are disjoint and cover the folder");
        for (int i = 0; i < one.validation().size(); i++) {
            String cls = one.validation().file(i).getParent().getFileName().toString();
            assertEquals(one.validation().classNames().get(one.validation().label(i)), cls);
        }
        assertTrue(one.test().isEmpty());

        // another seed picks other validation files (10 choose 2 = 45 ways for class a)
        List<Path> other = ImageFolder.split(dir, 0.2, 8).validation().files();
        assertNotEquals(one.validation().files(), other);
    }

    @Test
    void splitFractionMustBeInsideZeroOne() {
        TestImages.folder(dir, new String[] {"a"}, new int[] {2});
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.split(dir, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.split(dir, 1, 1));
    }
}
