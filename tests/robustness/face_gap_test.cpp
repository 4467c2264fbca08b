// face_gap_test.cpp
