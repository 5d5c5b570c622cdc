package org.transfer4j.images;

import org.transfer4j.Transfer4jException;

/**
 * A folder of images that cannot serve as a labelled dataset: it does not exist, holds no class folders
 * or no images, has an empty class folder, lacks the {@code train}/{@code val} layout asked for, or its
 * classes differ from the class names expected. Thrown when the folder is scanned, before any training;
 * the message names the folder (and the classes) at fault.
 */
public class ImageFolderException extends Transfer4jException {
    public ImageFolderException(String message) {
        super(message);
    }
}
