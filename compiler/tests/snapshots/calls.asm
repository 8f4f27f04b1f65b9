function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000038Fh
  001d  sub       rsp,10h
  0024  sub       r13,16h
  002b  js        0000000000000050h
  0031  mov       rbx,[rbp+10h]
  0038  mov       rsi,[rbp+10h]
  003f  imul      rsi,rbx
  0043  mov       [rbp+10h],rsi
  004a  mov       rsp,rbp
  004d  pop       rbp
  004e  ret
  004f  int3
  0050  mov       [r15+20h],r13
  0057  mov       rdi,r15
  005a  mov       rsi,rsp
  005d  mov       rdx,r11
  0060  call      0000000000000065h
  0065  mov       r13,[r15+20h]
  006c  test      eax,eax
  006e  jne       000000000000033Ah
  0074  mov       r14,[r15]
  007b  mov       r10,[r15+8]
  0082  jmp       0000000000000031h
function 1 (defined 1):
  0090  endbr64
  0094  push      rbp
  0095  mov       rbp,rsp
  0098  lea       rax,[rsp-10h]
  00a0  cmp       rax,[r15+10h]
  00a7  jb        000000000000038Fh
  00ad  sub       rsp,10h
  00b4  sub       r13,12h
  00bb  js        0000000000000195h
  00c1  mov       r11,[rbp+10h]
  00c8  mov       [rsp],r11
  00d0  call      0
  00d5  mov       r14,[r15]
  00dc  mov       r10,[r15+8]
  00e3  mov       rbx,[rsp]
  00eb  xor       esi,esi
  00ee  mov       r11,[rbp+10h]
  00f5  mov       [rsp],r11
  00fd  mov       [rbp-8],rbx
  0104  sub       r13,3
  0108  cmp       rsi,[r15+40h]
  010f  jae       0000000000000353h
  0115  mov       r11d,0
  011b  cmovae    rsi,r11
  011f  shl       rsi,5
  0123  mov       r11,[r15+38h]
  012a  add       r11,rsi
  012d  cmp       qword ptr [r11],0
  0134  je        000000000000035Dh
  013a  cmp       qword ptr [r11+8],7FFFFFFFh
  0142  jne       0000000000000367h
  0148  cmp       [r11+10h],r15
  014c  jne       00000000000001CCh
  0152  mov       r11,[r11]
  0155  mov       esi,0
  015b  cmovne    r11,rsi
  015f  call      0000000000000164h
  0164  mov       r14,[r15]
  016b  mov       r10,[r15+8]
  0172  mov       rbx,[rsp]
  017a  mov       rsi,[rbp-8]
  0181  add       rsi,rbx
  0184  sub       r13,4
  0188  mov       [rbp+10h],rsi
  018f  mov       rsp,rbp
  0192  pop       rbp
  0193  ret
  0194  int3
  0195  mov       [r15+20h],r13
  019c  mov       rdi,r15
  019f  mov       rsi,rsp
  01a2  mov       rdx,r11
  01a5  call      00000000000001AAh
  01aa  mov       r13,[r15+20h]
  01b1  test      eax,eax
  01b3  jne       000000000000033Ah
  01b9  mov       r14,[r15]
  01c0  mov       r10,[r15+8]
  01c7  jmp       00000000000000C1h
  01cc  sub       r13,64h
  01d0  mov       [r15+20h],r13
  01d7  mov       rdi,r15
  01da  mov       rsi,rsp
  01dd  mov       rdx,r11
  01e0  call      00000000000001E5h
  01e5  mov       r13,[r15+20h]
  01ec  test      eax,eax
  01ee  jne       000000000000033Ah
  01f4  mov       r14,[r15]
  01fb  mov       r10,[r15+8]
  0202  jmp       0000000000000164h
