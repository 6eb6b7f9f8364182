import cv2

frame = cv2.imread("x.png")
cv2.imshow("frame", frame)
cv2.waitKey(0)
